export function vectorDirs(): { mls: string | undefined; hpke: string | undefined };

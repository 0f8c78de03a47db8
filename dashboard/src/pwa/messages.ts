// Strings of the installable app (offline banner, update prompt), English and Brazilian Portuguese.
export const en = {};

export const ptBR: typeof en = {};

// The connections section's strings, English and Brazilian Portuguese key for key.
export const en = {};

export const ptBR: typeof en = {};

// Strings of the installable app (offline banner, update prompt), English and Brazilian Portuguese.
export const en = {
  offline: "You are offline. What you see may be out of date, and nothing can be sent until the connection returns.",
  updateReady: "A new version of Master IA is ready.",
  reload: "Reload",
  later: "Later",
};

export const ptBR: typeof en = {
  offline:
    "Você está sem conexão. O que aparece pode estar desatualizado e nada pode ser enviado até a conexão voltar.",
  updateReady: "Uma nova versão do Master IA está pronta.",
  reload: "Recarregar",
  later: "Depois",
};

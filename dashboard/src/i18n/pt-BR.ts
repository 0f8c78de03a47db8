// Brazilian Portuguese strings, key for key with en.ts.
import type { Messages } from "./en";
import * as ai from "../sections/ai/messages";
import * as cadences from "../sections/cadences/messages";
import * as campaigns from "../sections/campaigns/messages";
import * as campaignCsv from "../sections/campaigns/wizard/csvAudienceMessages";
import * as connections from "../sections/connections/messages";
import * as contacts from "../sections/contacts/messages";
import * as inbox from "../sections/inbox/messages";
import * as pipelines from "../sections/pipelines/messages";
import * as settings from "../sections/settings/messages";
import * as team from "../sections/team/messages";
import * as templates from "../sections/templates/messages";
import * as pwa from "../pwa/messages";

export const ptBR: Messages = {
  app: { name: "Master IA", loading: "Carregando…" },
  login: {
    title: "Entrar no Master IA",
    email: "E-mail",
    password: "Senha",
    submit: "Entrar",
    or: "ou",
    withProvider: "Continuar com {{provider}}",
    emailInvalid: "Informe um e-mail válido",
    passwordRequired: "Informe sua senha",
    failedTitle: "Não foi possível entrar",
    failed: "Falha ao entrar. Tente novamente.",
    unreachable: "O servidor não responde. Verifique sua conexão e tente novamente.",
    providerFailed: "Não deu certo entrar com esse provedor. Tente de novo ou use sua senha.",
    apiDocs: "Documentação da API",
  },
  invitation: {
    title: "Entre na sua equipe no Master IA",
    intro: "Você foi convidado para a caixa de entrada compartilhada de uma empresa. Escolha seu nome e uma senha para começar.",
    name: "Seu nome",
    nameRequired: "Informe seu nome",
    password: "Senha",
    passwordHint: "Pelo menos 10 caracteres.",
    passwordShort: "Use pelo menos 10 caracteres",
    confirm: "Repita a senha",
    mismatch: "As senhas não conferem",
    submit: "Criar minha conta",
    failedTitle: "Não foi possível aceitar o convite",
    failed: "Não foi possível aceitar o convite. Peça um novo link a quem convidou você.",
    noToken: "Este link não contém um convite. Abra de novo o link do e-mail de convite ou peça um novo.",
    toLogin: "Ir para a página de login",
  },
  live: {
    channelAlert: "Uma conexão precisa de atenção",
    channelResumed: "Uma conexão voltou a enviar",
  },
  nav: {
    inbox: "Caixa de entrada",
    contacts: "Contatos",
    pipelines: "Funis",
    campaigns: "Campanhas",
    cadences: "Cadências",
    templates: "Modelos",
    ai: "Agente de IA",
    connections: "Conexões",
    team: "Equipe",
    settings: "Configurações",
    toggle: "Abrir ou fechar a navegação",
  },
  user: {
    menu: "Menu da conta",
    language: "Idioma",
    theme: "Tema",
    dark: "Modo escuro",
    light: "Modo claro",
    logout: "Sair",
  },
  inbox: inbox.ptBR,
  contacts: contacts.ptBR,
  pipelines: pipelines.ptBR,
  campaigns: campaigns.ptBR,
  ai: ai.ptBR,
  campaignCsv: campaignCsv.ptBR,
  cadences: cadences.ptBR,
  templates: templates.ptBR,
  connections: connections.ptBR,
  team: team.ptBR,
  settings: settings.ptBR,
  pwa: pwa.ptBR,
  empty: {
    inbox: {
      title: "Nenhuma conversa ainda",
      body: "Quando um cliente escrever para um dos seus números, a conversa aparece aqui.",
      action: "Conectar um número",
    },
    contacts: {
      title: "Nenhum contato ainda",
      body: "Os contatos são criados quando os clientes escrevem para você.",
      action: "Abrir a caixa de entrada",
    },
    campaigns: {
      title: "Nenhuma campanha ainda",
      body: "Envie uma mensagem para um segmento salvo dos seus contatos, no ritmo que o seu número permite.",
      action: "Nova campanha",
    },
    connections: {
      title: "Nenhuma conexão ainda",
      body: "Conecte um número do WhatsApp Business ou uma conta de SMS para falar com clientes.",
      action: "Em breve",
    },
    team: {
      title: "Só você por enquanto",
      body: "Convide colegas para compartilhar a caixa de entrada.",
      action: "Em breve",
    },
    settings: {
      title: "Configurações",
      body: "Perfil da empresa, fuso horário, horário de atendimento e chaves de API ficarão aqui.",
      action: "Em breve",
    },
  },
  error: {
    title: "Algo deu errado",
    retry: "Tentar novamente",
    notFound: "Esta página não existe.",
    home: "Ir para a caixa de entrada",
  },
};

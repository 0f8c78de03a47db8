// English strings; every section keeps its own in its messages.ts. pt-BR.ts must have the
// same keys (its type checks that).
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

export const en = {
  app: { name: "Master IA", loading: "Loading…" },
  login: {
    title: "Log in to Master IA",
    email: "Email",
    password: "Password",
    submit: "Log in",
    or: "or",
    withProvider: "Continue with {{provider}}",
    emailInvalid: "Enter a valid email address",
    passwordRequired: "Enter your password",
    failedTitle: "Could not log in",
    failed: "Login failed. Try again.",
    unreachable: "The server cannot be reached. Check your connection and try again.",
    providerFailed: "Logging in with that provider did not work. Try again or use your password.",
    apiDocs: "API documentation",
  },
  invitation: {
    title: "Join your team on Master IA",
    intro: "You were invited to a company's shared inbox. Choose your name and a password to start.",
    name: "Your name",
    nameRequired: "Enter your name",
    password: "Password",
    passwordHint: "At least 10 characters.",
    passwordShort: "Use at least 10 characters",
    confirm: "Repeat the password",
    mismatch: "The passwords do not match",
    submit: "Create my account",
    failedTitle: "The invitation could not be accepted",
    failed: "The invitation could not be accepted. Ask whoever invited you for a new link.",
    noToken: "This link has no invitation in it. Open the link from the invitation email again, or ask for a new one.",
    toLogin: "Go to the login page",
  },
  live: {
    channelAlert: "A connection needs attention",
    channelResumed: "A connection is sending again",
  },
  nav: {
    inbox: "Inbox",
    contacts: "Contacts",
    pipelines: "Pipelines",
    campaigns: "Campaigns",
    cadences: "Cadences",
    templates: "Templates",
    ai: "AI agent",
    connections: "Connections",
    team: "Team",
    settings: "Settings",
    toggle: "Toggle navigation",
  },
  user: {
    menu: "Account menu",
    language: "Language",
    theme: "Theme",
    dark: "Dark mode",
    light: "Light mode",
    logout: "Log out",
  },
  inbox: inbox.en,
  contacts: contacts.en,
  pipelines: pipelines.en,
  campaigns: campaigns.en,
  ai: ai.en,
  campaignCsv: campaignCsv.en,
  cadences: cadences.en,
  templates: templates.en,
  connections: connections.en,
  team: team.en,
  settings: settings.en,
  pwa: pwa.en,
  empty: {
    inbox: {
      title: "No conversations yet",
      body: "When a customer writes to one of your numbers, the conversation shows up here.",
      action: "Connect a number",
    },
    contacts: {
      title: "No contacts yet",
      body: "Contacts are created when customers write to you.",
      action: "Open the inbox",
    },
    campaigns: {
      title: "No campaigns yet",
      body: "Send one message to a saved segment of your contacts, at the pace your number allows.",
      action: "New campaign",
    },
    connections: {
      title: "No connections yet",
      body: "Connect a WhatsApp Business number or an SMS account to start talking to customers.",
      action: "Coming soon",
    },
    team: {
      title: "Just you for now",
      body: "Invite teammates to share the inbox.",
      action: "Coming soon",
    },
    settings: {
      title: "Settings",
      body: "Company profile, timezone, business hours and API keys will live here.",
      action: "Coming soon",
    },
  },
  error: {
    title: "Something went wrong",
    retry: "Try again",
    notFound: "This page does not exist.",
    home: "Go to the inbox",
  },
};

export type Messages = typeof en;

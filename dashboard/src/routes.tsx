// The dashboard's routes; every page is its own chunk, loaded when first visited.
import { lazy } from "react";
import type { RouteObject } from "react-router";
import { Navigate } from "react-router";
import { RequireAuth } from "./auth/RequireAuth";
import { RouteError } from "./shell/RouteError";

const LoginPage = lazy(() => import("./auth/LoginPage"));
const AcceptInvitationPage = lazy(() => import("./auth/AcceptInvitationPage"));
const AppLayout = lazy(() => import("./shell/AppLayout"));
const InboxPage = lazy(() => import("./sections/inbox/InboxPage"));
const ContactsPage = lazy(() => import("./sections/contacts/ContactsPage"));
const ContactDetailPage = lazy(() => import("./sections/contacts/ContactDetailPage"));
const ImportWizard = lazy(() => import("./sections/contacts/import/ImportWizard"));
const PipelinesPage = lazy(() => import("./sections/pipelines/PipelinesPage"));
const PipelineSettingsPage = lazy(() => import("./sections/settings/pipelines/PipelineSettingsPage"));
const CampaignsPage = lazy(() => import("./sections/campaigns/CampaignsPage"));
const NewCampaignPage = lazy(() => import("./sections/campaigns/NewCampaignPage"));
const CampaignPage = lazy(() => import("./sections/campaigns/CampaignPage"));
const CadencesPage = lazy(() => import("./sections/cadences/CadencesPage"));
const CadenceBuilderPage = lazy(() => import("./sections/cadences/CadenceBuilderPage"));
const CadencePage = lazy(() => import("./sections/cadences/CadencePage"));
const TemplatesPage = lazy(() => import("./sections/templates/TemplatesPage"));
const TemplateEditorPage = lazy(() => import("./sections/templates/TemplateEditorPage"));
const PersonasPage = lazy(() => import("./sections/ai/PersonasPage"));
const PersonaEditorPage = lazy(() => import("./sections/ai/PersonaEditorPage"));
const KnowledgeBasesPage = lazy(() => import("./sections/ai/KnowledgeBasesPage"));
const KnowledgeBasePage = lazy(() => import("./sections/ai/KnowledgeBasePage"));
const ConsolePage = lazy(() => import("./sections/ai/ConsolePage"));
const ModelPage = lazy(() => import("./sections/ai/ModelPage"));
const LeadSuggestionsPage = lazy(() => import("./sections/ai/LeadSuggestionsPage"));
const ConnectionsPage = lazy(() => import("./sections/connections/ConnectionsPage"));
const TeamPage = lazy(() => import("./sections/team/TeamPage"));
const SettingsPage = lazy(() => import("./sections/settings/SettingsPage"));
const CrmSettingsPage = lazy(() => import("./sections/settings/crm/CrmSettingsPage"));

export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage />, errorElement: <RouteError /> },
  { path: "/accept-invitation", element: <AcceptInvitationPage />, errorElement: <RouteError /> },
  {
    path: "/",
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/inbox" replace /> },
      { path: "inbox", element: <InboxPage /> },
      { path: "contacts", element: <ContactsPage /> },
      { path: "contacts/import", element: <ImportWizard /> },
      { path: "contacts/:contactId", element: <ContactDetailPage /> },
      { path: "pipelines", element: <PipelinesPage /> },
      { path: "pipelines/:pipelineId", element: <PipelinesPage /> },
      { path: "campaigns", element: <CampaignsPage /> },
      { path: "campaigns/new", element: <NewCampaignPage /> },
      { path: "campaigns/:campaignId", element: <CampaignPage /> },
      { path: "cadences", element: <CadencesPage /> },
      { path: "cadences/new", element: <CadenceBuilderPage /> },
      { path: "cadences/:cadenceId", element: <CadencePage /> },
      { path: "cadences/:cadenceId/edit", element: <CadenceBuilderPage /> },
      { path: "templates", element: <TemplatesPage /> },
      { path: "templates/new", element: <TemplateEditorPage /> },
      { path: "templates/:templateId", element: <TemplateEditorPage /> },
      { path: "ai", element: <Navigate to="/ai/personas" replace /> },
      { path: "ai/personas", element: <PersonasPage /> },
      { path: "ai/personas/new", element: <PersonaEditorPage /> },
      { path: "ai/personas/:personaId", element: <PersonaEditorPage /> },
      { path: "ai/knowledge", element: <KnowledgeBasesPage /> },
      { path: "ai/knowledge/:baseId", element: <KnowledgeBasePage /> },
      { path: "ai/console", element: <ConsolePage /> },
      { path: "ai/model", element: <ModelPage /> },
      { path: "ai/suggestions", element: <LeadSuggestionsPage /> },
      { path: "connections", element: <ConnectionsPage /> },
      { path: "team", element: <TeamPage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "settings/crm", element: <CrmSettingsPage /> },
      { path: "settings/pipelines", element: <PipelineSettingsPage /> },
      { path: "*", element: <RouteError /> },
    ],
  },
];

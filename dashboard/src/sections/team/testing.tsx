// For the team and settings tests: the page rendered for a signed-in user whose /me the
// fake gateway answers (the role is the test's choice).
import type { ReactElement } from "react";
import { AuthProvider } from "../../auth/AuthProvider";
import { startSession } from "../../auth/session";
import { ME, token } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import type { Role } from "./roles";

export function renderSignedIn(ui: ReactElement) {
  startSession(token());
  return renderWithProviders(<AuthProvider>{ui}</AuthProvider>);
}

export function meAs(role: Role) {
  return { ...ME, role, user: { ...ME.user, role } };
}

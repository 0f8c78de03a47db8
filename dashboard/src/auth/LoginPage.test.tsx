import { render, screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { MantineProvider } from "@mantine/core";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { fakeGateway, json, problem, token } from "../test/gateway";
import { endSession } from "./session";

function renderAt(path: string) {
  return render(<App initialPath={path} />, {
    wrapper: ({ children }) => <MantineProvider>{children}</MantineProvider>,
  });
}

async function fillAndSubmit(email: string, password: string) {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  if (email) await user.type(await screen.findByLabelText(/email/i), email);
  if (password) await user.type(screen.getByLabelText(/password/i), password);
  await user.click(screen.getByRole("button", { name: "Log in" }));
}

afterEach(() => endSession());

describe("login form", () => {
  it("explains what is missing and sends nothing", async () => {
    const seen = fakeGateway();
    renderAt("/login");
    await fillAndSubmit("not-an-email", "");

    expect(await screen.findByText("Enter a valid email address")).toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    expect(seen).not.toContain("POST /api/v1/auth/login");
  });

  it("shows the server's detail when the login is refused", async () => {
    fakeGateway({
      "POST /api/v1/auth/login": () => problem(401, "Wrong email or password.", "login_failed"),
    });
    renderAt("/login");
    await fillAndSubmit("ana@acme.example", "wrong-password");

    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password.");
  });

  it("says so when the gateway cannot be reached", async () => {
    fakeGateway({
      "POST /api/v1/auth/login": () => Promise.reject(new TypeError("Failed to fetch")),
    });
    renderAt("/login");
    await fillAndSubmit("ana@acme.example", "secret");

    expect(await screen.findByRole("alert")).toHaveTextContent(/cannot be reached/);
  });

  it("goes to the app shell with the company's name after a successful login", async () => {
    let sent: unknown;
    fakeGateway({
      "POST /api/v1/auth/login": async (request) => {
        sent = await request.json();
        return json(token());
      },
    });
    renderAt("/login");
    await fillAndSubmit("ana@acme.example", "right-password");

    expect(await screen.findByTestId("tenant-name")).toHaveTextContent("Acme Comércio");
    expect(screen.getByRole("link", { name: "Contacts" })).toBeInTheDocument();
    expect(await screen.findByText("No conversations yet")).toBeInTheDocument();
    expect(sent).toEqual({ email: "ana@acme.example", password: "right-password" });
  });

  it("offers only the login providers the gateway has configured", async () => {
    fakeGateway({ "GET /api/v1/auth/oauth/providers": () => json({ providers: ["google"] }) });
    renderAt("/login");

    const google = await screen.findByRole("link", { name: "Continue with Google" });
    expect(google).toHaveAttribute("href", "/api/v1/auth/oauth/google/start?next=%2Finbox");
    expect(screen.queryByText(/Facebook/)).not.toBeInTheDocument();
  });
});

describe("session", () => {
  it("sends a signed-out visitor of a page to the login", async () => {
    fakeGateway();
    renderAt("/contacts");
    await waitFor(() => expect(screen.getByRole("button", { name: "Log in" })).toBeInTheDocument());
  });

  it("restores the session from the refresh cookie without a login", async () => {
    fakeGateway({ "POST /api/v1/auth/refresh": () => json(token()) });
    renderAt("/inbox");
    expect(await screen.findByText("No conversations yet")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Log in" })).not.toBeInTheDocument();
  });
});

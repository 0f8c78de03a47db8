import { MantineProvider } from "@mantine/core";
import { render, screen } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { fakeGateway, json, problem, token } from "../test/gateway";
import { endSession } from "./session";

const LINK = "/accept-invitation#token=inv-0123456789abcdef";

function renderAt(path: string) {
  return render(<App initialPath={path} />, {
    wrapper: ({ children }) => <MantineProvider>{children}</MantineProvider>,
  });
}

async function fill(name: string, password: string, confirm = password) {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  if (name) await user.type(await screen.findByLabelText(/your name/i), name);
  await user.type(screen.getByLabelText(/^password/i), password);
  await user.type(screen.getByLabelText(/repeat the password/i), confirm);
  await user.click(screen.getByRole("button", { name: "Create my account" }));
}

afterEach(() => endSession());

describe("accepting an invitation", () => {
  it("creates the account with the link's token and opens the inbox signed in", async () => {
    let sent: unknown;
    fakeGateway({
      "POST /api/v1/invitations/accept": async (request) => {
        sent = await request.json();
        return json(token(), 201);
      },
    });
    renderAt(LINK);
    await fill("Bruna Lima", "a-Strong-pass-42");

    expect(await screen.findByText("No conversations yet")).toBeInTheDocument();
    expect(await screen.findByTestId("tenant-name")).toHaveTextContent("Acme Comércio");
    expect(sent).toEqual({
      token: "inv-0123456789abcdef",
      name: "Bruna Lima",
      password: "a-Strong-pass-42",
    });
  });

  it("checks the form before sending anything", async () => {
    const seen = fakeGateway();
    renderAt(LINK);
    await fill("", "short", "other");

    expect(await screen.findByText("Enter your name")).toBeInTheDocument();
    expect(screen.getByText("Use at least 10 characters")).toBeInTheDocument();
    expect(screen.getByText("The passwords do not match")).toBeInTheDocument();
    expect(seen).not.toContain("POST /api/v1/invitations/accept");
  });

  it("shows why an expired or used invitation was refused", async () => {
    fakeGateway({
      "POST /api/v1/invitations/accept": () =>
        problem(410, "this invitation has expired", "invitation_expired"),
    });
    renderAt(LINK);
    await fill("Bruna Lima", "a-Strong-pass-42");

    expect(await screen.findByRole("alert")).toHaveTextContent("this invitation has expired");
    expect(screen.getByLabelText(/your name/i)).toHaveValue("Bruna Lima");
  });

  it("says the link is broken when it carries no token", async () => {
    fakeGateway();
    renderAt("/accept-invitation");

    expect(await screen.findByRole("alert")).toHaveTextContent(/no invitation in it/);
    expect(screen.getByRole("link", { name: "Go to the login page" })).toHaveAttribute("href", "/login");
  });
});

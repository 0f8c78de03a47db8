import { render, screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { endSession } from "../auth/session";
import i18n from "../i18n";
import { fakeGateway, json, token } from "../test/gateway";

afterEach(async () => {
  endSession();
  await i18n.changeLanguage("en");
});

async function openUserMenu() {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  await user.click(await screen.findByRole("button", { name: "Account menu" }));
  return user;
}

describe("user menu", () => {
  it("switches the whole app to Brazilian Portuguese", async () => {
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/inbox/conversations": () => json({ items: [], next_cursor: null }),
    });
    render(<App initialPath="/inbox" />);
    const user = await openUserMenu();

    await user.click(await screen.findByRole("menuitem", { name: "Português (Brasil)" }));

    expect(await screen.findByRole("link", { name: "Contatos" })).toBeInTheDocument();
    expect(await screen.findByText("Nenhuma conversa ainda")).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("pt-BR");
  });

  it("logs out at the gateway and returns to the login page", async () => {
    const seen = fakeGateway({ "POST /api/v1/auth/refresh": () => json(token()) });
    render(<App initialPath="/team" />);
    const user = await openUserMenu();

    await user.click(await screen.findByRole("menuitem", { name: "Log out" }));

    await waitFor(() => expect(screen.getByRole("button", { name: "Log in" })).toBeInTheDocument());
    expect(seen).toContain("POST /api/v1/auth/logout");
  });
});

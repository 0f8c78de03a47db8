import { screen, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { contact } from "./fixtures";
import { renderApp } from "./testing";

afterEach(() => endSession());

/** The query strings the contacts list was asked with, in order. */
function contactsApi(answer: (params: URLSearchParams) => Response) {
  const asked: URLSearchParams[] = [];
  const seen = fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/contacts": (request) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      return answer(params);
    },
  });
  return { asked, seen };
}

// Whole-app renders: slow on a machine busy with the services' tests.
describe("contacts page", { timeout: 20_000 }, () => {
  it("pages through the contacts with the server's cursors", async () => {
    const first = [contact({ name: "Ana Souza" }), contact({ name: "Bruno Lima" })];
    const second = [contact({ name: "Carla Dias", email: "carla@example.com" })];
    const { asked } = contactsApi((params) =>
      params.get("cursor") === "page-2"
        ? json({ items: second, next_cursor: null })
        : json({ items: first, next_cursor: "page-2" }),
    );
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Contacts" });
    expect(within(table).getByRole("link", { name: "Ana Souza" })).toHaveAttribute(
      "href",
      `/contacts/${first[0]!.id}`,
    );
    expect(within(table).getByText(first[1]!.phone!)).toBeInTheDocument();
    expect(screen.getByText("Page 1")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Next page" }));

    expect(await screen.findByRole("link", { name: "Carla Dias" })).toBeInTheDocument();
    expect(screen.getByText("carla@example.com")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Ana Souza" })).not.toBeInTheDocument();
    expect(screen.getByText("Page 2")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
    expect(asked.at(-1)?.get("cursor")).toBe("page-2");

    await user.click(screen.getByRole("button", { name: "Previous page" }));
    expect(await screen.findByRole("link", { name: "Ana Souza" })).toBeInTheDocument();
    expect(screen.getByText("Page 1")).toBeInTheDocument();
  });

  it("searches on the server once typing pauses, from the first page", async () => {
    const maria = contact({ name: "Maria Silva" });
    const { asked } = contactsApi((params) =>
      params.get("q") === "maria"
        ? json({ items: [maria], next_cursor: null })
        : json({ items: [contact({ name: "Ana Souza" })], next_cursor: "page-2" }),
    );
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Ana Souza" });

    await user.type(screen.getByRole("textbox", { name: "Search contacts" }), "maria");

    expect(await screen.findByRole("link", { name: "Maria Silva" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Ana Souza" })).not.toBeInTheDocument();
    // Debounced: one request for the whole word, none per keystroke.
    const searches = asked.map((params) => params.get("q")).filter(Boolean);
    expect(searches).toEqual(["maria"]);
    expect(asked.at(-1)?.get("cursor")).toBeNull();
  });

  it("says when a search finds nobody and clears it", async () => {
    // One Ana for every answer: a refetch must not swap the row for another contact's.
    const ana = contact({ name: "Ana Souza" });
    contactsApi((params) =>
      params.get("q") ? json({ items: [], next_cursor: null }) : json({ items: [ana], next_cursor: null }),
    );
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Ana Souza" });

    await user.type(screen.getByRole("textbox", { name: "Search contacts" }), "zzz");
    expect(await screen.findByText("No contacts match “zzz”.")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Clear the search" }));
    expect(await screen.findByRole("link", { name: "Ana Souza" })).toBeInTheDocument();
  });

  it("shows the next step when there are no contacts yet", async () => {
    contactsApi(() => json({ items: [], next_cursor: null }));
    renderApp("/contacts");

    expect(await screen.findByRole("heading", { name: "No contacts yet" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the inbox" })).toHaveAttribute("href", "/inbox");
  });

  it("shows the server's problem and retries", async () => {
    let calls = 0;
    contactsApi(() => {
      calls += 1;
      return calls === 1
        ? problem(503, "the crm is not answering", "unavailable")
        : json({ items: [contact({ name: "Ana Souza" })], next_cursor: null });
    });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByText("The contacts could not be loaded.")).toBeInTheDocument();
    expect(screen.getByText("the crm is not answering")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await screen.findByRole("link", { name: "Ana Souza" })).toBeInTheDocument();
  });
});


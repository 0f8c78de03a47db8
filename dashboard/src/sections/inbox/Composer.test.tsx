import type { InfiniteData } from "@tanstack/react-query";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { MessagePage } from "../../api/inbox";
import { fakeGateway, json, problem } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { Composer } from "./Composer";
import { conversation } from "./fixtures";
import { inboxKeys } from "./queries";

const ID = "c0a1b2c3-0000-4000-8000-000000000001";
const PATH = `POST /api/v1/inbox/conversations/${ID}/messages`;
const ACCOUNT = conversation().channel_account_id;
const TEMPLATES = `GET /api/v1/channels/accounts/${ACCOUNT}/templates`;

const ORDER_UPDATE = {
  name: "order_update",
  language: "pt_BR",
  status: "APPROVED",
  category: "UTILITY",
  body: "Olá {{1}}, seu pedido {{2}} saiu para entrega.",
  variables: 2,
  header: "Pedido a caminho",
  footer: "Loja Acme",
};
const WELCOME = {
  name: "welcome_back",
  language: "en_US",
  status: "APPROVED",
  category: "MARKETING",
  body: "Welcome back! Reply to this message to talk to us.",
  variables: 0,
  header: null,
  footer: null,
};

/** The template picker, once the templates have loaded. */
async function templatePicker() {
  await screen.findByRole("button", { name: "Send template" });
  return screen.getByRole("textbox", { name: "Template" });
}

function accepted(body: Record<string, unknown>) {
  return json({ id: "m1", direction: "out", status: "pending", ...body }, 202);
}

/** A fake gateway that records the bodies of the replies it is sent. */
function replies(
  answer: (body: Record<string, unknown>) => Response = accepted,
  templates: () => Response = () => json({ items: [ORDER_UPDATE, WELCOME] }),
) {
  const bodies: Record<string, unknown>[] = [];
  fakeGateway({
    [TEMPLATES]: templates,
    [PATH]: async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return answer(body);
    },
    [`GET /api/v1/inbox/conversations/${ID}/messages`]: () => json({ items: [], next_cursor: null }),
    "GET /api/v1/inbox/conversations": () => json({ items: [], next_cursor: null }),
  });
  return bodies;
}

describe("composer", () => {
  it("sends the text, clears the box and shows the reply at once", async () => {
    const bodies: Record<string, unknown>[] = [];
    let resolve: (response: Response) => void = () => {};
    fakeGateway({
      [PATH]: async (request) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        return new Promise<Response>((done) => (resolve = done));
      },
    });
    const { queryClient } = renderWithProviders(<Composer conversationId={ID} windowOpen />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const box = screen.getByRole("textbox");

    await user.type(box, "Olá, Maria");
    await user.click(screen.getByRole("button", { name: "Send" }));

    expect(box).toHaveValue("");
    await waitFor(() => expect(bodies).toEqual([{ type: "text", text: "Olá, Maria" }]));
    const data = queryClient.getQueryData<InfiniteData<MessagePage>>(inboxKeys.messages(ID));
    expect(data?.pages[0]?.items[0]).toMatchObject({ direction: "out", text: "Olá, Maria", status: "pending" });
    resolve(accepted({ text: "Olá, Maria" }));
  });

  it("sends on Enter and starts a new line on Shift+Enter", async () => {
    const bodies = replies();
    renderWithProviders(<Composer conversationId={ID} windowOpen />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const box = screen.getByRole("textbox");

    await user.type(box, "first line{Shift>}{Enter}{/Shift}second");
    expect(box).toHaveValue("first line\nsecond");
    expect(bodies).toEqual([]);
    await user.type(box, "{Enter}");

    await waitFor(() => expect(bodies).toEqual([{ type: "text", text: "first line\nsecond" }]));
    expect(box).toHaveValue("");
  });

  it("offers the number's approved templates when the window is closed, and sends one", async () => {
    const bodies = replies();
    renderWithProviders(
      <Composer conversationId={ID} windowOpen={false} channelAccountId={ACCOUNT} />,
    );
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(screen.getByText("The reply window is closed")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Send" })).not.toBeInTheDocument();
    const picker = await templatePicker();
    await user.click(picker);
    const option = await screen.findByRole("option", { name: /order_update/, hidden: true });
    expect(option).toHaveTextContent("pt_BR · Utility");
    expect(screen.getByRole("option", { name: /welcome_back/, hidden: true })).toHaveTextContent(
      "en_US · Marketing",
    );
    await user.click(option);

    expect(await screen.findByLabelText("Language")).toHaveValue("pt_BR");
    expect(screen.getByLabelText("{{1}}")).toBeInTheDocument();
    expect(screen.getByLabelText("{{2}}")).toBeInTheDocument();
    expect(screen.queryByLabelText("{{3}}")).not.toBeInTheDocument();
    const preview = screen.getByRole("region", { name: "Preview" });
    expect(preview).toHaveTextContent("Olá {{1}}, seu pedido {{2}} saiu para entrega.");
    expect(preview).toHaveTextContent("Pedido a caminho");
    expect(preview).toHaveTextContent("Loja Acme");

    await user.type(screen.getByLabelText("{{1}}"), "Maria");
    await user.type(screen.getByLabelText("{{2}}"), "#1234");
    expect(preview).toHaveTextContent("Olá Maria, seu pedido #1234 saiu para entrega.");
    await user.click(screen.getByRole("button", { name: "Send template" }));

    await waitFor(() =>
      expect(bodies).toEqual([
        { type: "template", name: "order_update", language: "pt_BR", variables: ["Maria", "#1234"] },
      ]),
    );
    // Sent: the form starts afresh for the next one.
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Template" })).toHaveValue(""));
    expect(screen.queryByLabelText("{{1}}")).not.toBeInTheDocument();
  });

  it("finds a template by searching, and sends one without variables", async () => {
    const bodies = replies();
    renderWithProviders(
      <Composer conversationId={ID} windowOpen={false} channelAccountId={ACCOUNT} />,
    );
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.type(await templatePicker(), "welc");
    await waitFor(() =>
      expect(screen.queryByRole("option", { name: /order_update/, hidden: true })).not.toBeInTheDocument(),
    );
    await user.click(await screen.findByRole("option", { name: /welcome_back/, hidden: true }));

    expect(await screen.findByLabelText("Language")).toHaveValue("en_US");
    expect(screen.getByText("This template has no variables.")).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Preview" })).toHaveTextContent(
      "Welcome back! Reply to this message to talk to us.",
    );
    await user.click(screen.getByRole("button", { name: "Send template" }));

    await waitFor(() =>
      expect(bodies).toEqual([{ type: "template", name: "welcome_back", language: "en_US", variables: [] }]),
    );
  });

  it("does not send until a template is picked and every variable is filled", async () => {
    const bodies = replies();
    renderWithProviders(
      <Composer conversationId={ID} windowOpen={false} channelAccountId={ACCOUNT} />,
    );
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const picker = await templatePicker();
    await user.click(screen.getByRole("button", { name: "Send template" }));
    expect(await screen.findByText("Pick a template")).toBeInTheDocument();

    await user.click(picker);
    await user.click(await screen.findByRole("option", { name: /order_update/, hidden: true }));
    await user.type(await screen.findByLabelText("{{1}}"), "Maria");
    await user.click(screen.getByRole("button", { name: "Send template" }));

    expect(await screen.findByText("Fill in this variable")).toBeInTheDocument();
    expect(screen.getByLabelText("{{2}}")).toHaveAccessibleDescription("Fill in this variable");
    expect(screen.getByLabelText("{{2}}")).toBeInvalid();
    expect(bodies).toEqual([]);

    await user.type(screen.getByLabelText("{{2}}"), "#1234");
    await waitFor(() => expect(screen.queryByText("Fill in this variable")).not.toBeInTheDocument());
    await user.click(screen.getByRole("button", { name: "Send template" }));
    await waitFor(() =>
      expect(bodies).toEqual([
        { type: "template", name: "order_update", language: "pt_BR", variables: ["Maria", "#1234"] },
      ]),
    );
  });

  it("takes a typed template name when the number has no approved template", async () => {
    const bodies = replies(accepted, () => json({ items: [] }));
    renderWithProviders(
      <Composer conversationId={ID} windowOpen={false} channelAccountId={ACCOUNT} />,
    );
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByText("No approved templates for this number")).toBeInTheDocument();
    expect(screen.getByLabelText("Language")).toHaveValue("pt_BR");
    await user.type(screen.getByLabelText("Template name"), "order_update");
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.type(screen.getByLabelText("Variable 1"), "Maria");
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.type(screen.getByLabelText("Variable 2"), "#1234");
    await user.click(screen.getByRole("button", { name: "Send template" }));

    await waitFor(() =>
      expect(bodies).toEqual([
        { type: "template", name: "order_update", language: "pt_BR", variables: ["Maria", "#1234"] },
      ]),
    );
  });

  it("takes a typed template name when the templates cannot be loaded", async () => {
    const bodies = replies(accepted, () => problem(502, "Meta did not answer", "upstream_error"));
    renderWithProviders(
      <Composer conversationId={ID} windowOpen={false} channelAccountId={ACCOUNT} />,
    );
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const notice = await screen.findByRole("alert", { name: /Templates could not be loaded/ });
    expect(notice).toHaveTextContent("Meta did not answer");
    expect(within(notice).getByRole("button", { name: "Try again" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Send template" }));
    expect(await screen.findByText("Enter the template's name")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.type(screen.getByLabelText("Template name"), "order_update");
    await user.click(screen.getByRole("button", { name: "Send template" }));
    expect(await screen.findByText("Fill in this variable")).toBeInTheDocument();
    expect(bodies).toEqual([]);

    await user.type(screen.getByLabelText("Variable 1"), "Maria");
    await user.click(screen.getByRole("button", { name: "Send template" }));
    await waitFor(() =>
      expect(bodies).toEqual([
        { type: "template", name: "order_update", language: "pt_BR", variables: ["Maria"] },
      ]),
    );
  });

  it("switches to the template picker when the server says the window has closed", async () => {
    const seen: string[] = [];
    const bodies = replies(
      () => problem(409, "the 24-hour window is closed", "window_closed"),
      () => {
        seen.push("templates");
        return json({ items: [ORDER_UPDATE] });
      },
    );
    // No account given: the composer finds it on the conversation.
    const { queryClient } = renderWithProviders(<Composer conversationId={ID} windowOpen />);
    queryClient.setQueryData(inboxKeys.conversation(ID), conversation());
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.type(screen.getByRole("textbox"), "Ainda aí?{Enter}");

    const picker = await templatePicker();
    expect(screen.getAllByText("The reply window is closed").length).toBeGreaterThanOrEqual(2);
    expect(bodies).toEqual([{ type: "text", text: "Ainda aí?" }]);
    expect(seen).toEqual(["templates"]);
    await user.click(picker);
    expect(await screen.findByRole("option", { name: /order_update/, hidden: true })).toBeInTheDocument();
  });
});

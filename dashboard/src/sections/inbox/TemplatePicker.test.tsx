import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it, vi } from "vitest";
import { fakeGateway, json, problem } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { Composer } from "./Composer";
import { TemplatePicker, templateKeys } from "./TemplatePicker";

const ACCOUNT = "a0a1b2c3-0000-4000-8000-000000000009";
const TEMPLATES = `GET /api/v1/channels/accounts/${ACCOUNT}/templates`;

function template(overrides: Record<string, unknown> = {}) {
  return {
    name: "order_update",
    language: "pt_BR",
    status: "APPROVED",
    category: "UTILITY",
    body: "Olá {{1}}, seu pedido {{2}} saiu para entrega.",
    variables: 2,
    header: null,
    footer: null,
    ...overrides,
  };
}

async function pick(name: RegExp) {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  await screen.findByRole("button", { name: "Send template" });
  await user.click(screen.getByRole("textbox", { name: "Template" }));
  await user.click(await screen.findByRole("option", { name, hidden: true }));
  return user;
}

describe("template picker", () => {
  it("shows a labelled, disabled field while the templates load, and caches them by number", async () => {
    let resolve: (response: Response) => void = () => {};
    fakeGateway({ [TEMPLATES]: () => new Promise<Response>((done) => (resolve = done)) });
    const { queryClient } = renderWithProviders(
      <TemplatePicker accountId={ACCOUNT} sending={false} onSend={vi.fn()} />,
    );

    expect(screen.getByRole("textbox", { name: "Template" })).toBeDisabled();
    resolve(json({ items: [template()] }));

    expect(await screen.findByRole("button", { name: "Send template" })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Template" })).toBeEnabled();
    expect(queryClient.getQueryData(templateKeys.list(ACCOUNT))).toEqual([template()]);
  });

  it("tells one language of a template from another, and asks for the variables of the one picked", async () => {
    fakeGateway({
      [TEMPLATES]: () =>
        json({
          items: [
            template(),
            template({ language: "en_US", body: "Hi {{1}}, your order is on its way.", variables: 1 }),
            template({ name: "survey", category: "FEEDBACK", body: "{{1}} {{2}} {{3}}", variables: 3 }),
          ],
        }),
    });
    const onSend = vi.fn();
    renderWithProviders(<TemplatePicker accountId={ACCOUNT} sending={false} onSend={onSend} />);

    const user = await pick(/order_update.*en_US/);
    expect(await screen.findByLabelText("Language")).toHaveValue("en_US");
    expect(screen.getByLabelText("{{1}}")).toBeInTheDocument();
    expect(screen.queryByLabelText("{{2}}")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("{{1}}"), "Ana");
    expect(screen.getByRole("region", { name: "Preview" })).toHaveTextContent(
      "Hi Ana, your order is on its way.",
    );

    // Another template: its own variables, empty again; a category we have no word for as it is.
    await user.click(screen.getByRole("textbox", { name: "Template" }));
    const survey = await screen.findByRole("option", { name: /survey/, hidden: true });
    expect(survey).toHaveTextContent("pt_BR · FEEDBACK");
    await user.click(survey);
    expect(await screen.findByLabelText("{{3}}")).toHaveValue("");
    expect(screen.getByLabelText("{{1}}")).toHaveValue("");
    expect(screen.getByRole("region", { name: "Preview" })).toHaveTextContent("{{1}} {{2}} {{3}}");

    await user.type(screen.getByLabelText("{{1}}"), "a");
    await user.type(screen.getByLabelText("{{2}}"), "  ");
    await user.type(screen.getByLabelText("{{3}}"), " c ");
    await user.click(screen.getByRole("button", { name: "Send template" }));
    // Blank is not filled.
    expect(await screen.findByText("Fill in this variable")).toBeInTheDocument();
    expect(onSend).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText("{{2}}"), "b");
    await user.click(screen.getByRole("button", { name: "Send template" }));
    await waitFor(() =>
      expect(onSend).toHaveBeenCalledWith({
        type: "template",
        name: "survey",
        language: "pt_BR",
        variables: ["a", "b", "c"],
      }),
    );
  });

  it("loads the list again when asked after it failed", async () => {
    let fail = true;
    fakeGateway({
      [TEMPLATES]: () => (fail ? problem(502, "Meta did not answer") : json({ items: [template()] })),
    });
    renderWithProviders(<TemplatePicker accountId={ACCOUNT} sending={false} onSend={vi.fn()} />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const notice = await screen.findByRole("alert", { name: "Templates could not be loaded" });
    expect(screen.getByLabelText("Template name")).toBeInTheDocument();
    fail = false;
    await user.click(within(notice).getByRole("button", { name: "Try again" }));

    expect(await screen.findByRole("textbox", { name: "Template" })).toBeEnabled();
    expect(screen.queryByLabelText("Template name")).not.toBeInTheDocument();
  });

  it("takes a typed name, without asking the server, when the number cannot be known", async () => {
    const seen = fakeGateway();
    const onSend = vi.fn();
    renderWithProviders(<TemplatePicker accountId={null} sending={false} onSend={onSend} />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const notice = await screen.findByRole("alert", { name: "Templates could not be loaded" });
    expect(within(notice).queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Template name"), " welcome_back ");
    await user.clear(screen.getByLabelText("Language"));
    await user.type(screen.getByLabelText("Language"), "en_US");
    await user.click(screen.getByRole("button", { name: "Send template" }));

    await waitFor(() =>
      expect(onSend).toHaveBeenCalledWith({
        type: "template",
        name: "welcome_back",
        language: "en_US",
        variables: [],
      }),
    );
    expect(seen.filter((request) => request.includes("templates"))).toEqual([]);
  });

  it("has no serious accessibility violations, picking or typing", { timeout: 30_000 }, async () => {
    let items = [template({ header: "Pedido", footer: "Acme" })];
    fakeGateway({ [TEMPLATES]: () => json({ items }) });
    const violations = async () =>
      (
        await axe.run(document.body, {
          rules: { "color-contrast": { enabled: false } },
        })
      ).violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    const { unmount } = renderWithProviders(
      <Composer conversationId="c1" windowOpen={false} channelAccountId={ACCOUNT} />,
    );

    const user = await pick(/order_update/);
    await user.click(screen.getByRole("button", { name: "Send template" }));
    await screen.findAllByText("Fill in this variable");
    expect(await violations()).toEqual([]);
    unmount();

    items = [];
    renderWithProviders(<Composer conversationId="c1" windowOpen={false} channelAccountId={ACCOUNT} />);
    await userEvent.click(await screen.findByRole("button", { name: "Add variable" }));
    expect(await violations()).toEqual([]);
  });
});

import { screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../../i18n";
import { fakeGateway, problem } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { RecipientsExportButton } from "./RecipientsExportButton";

const CAMPAIGN = "c0c1c2c3-0000-4000-8000-0000000000aa";

afterEach(() => vi.restoreAllMocks());

describe("recipients export", () => {
  it("downloads the CSV the service names, of one state when asked", async () => {
    const asked: string[] = [];
    fakeGateway({
      [`GET /api/v1/campaigns/${CAMPAIGN}/recipients/export`]: (request) => {
        asked.push(new URL(request.url).search);
        return new Response("\ufeffcontact_id,address,state\n", {
          headers: {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": `attachment; filename="campaign-${CAMPAIGN}-recipients.csv"`,
          },
        });
      },
    });
    const created = vi.fn(() => "blob:csv");
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    renderWithProviders(<RecipientsExportButton campaignId={CAMPAIGN} state="failed" />);
    await userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never }).click(screen.getByRole("button", { name: "Export recipients (CSV)" }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]!.download).toBe(`campaign-${CAMPAIGN}-recipients.csv`);
    expect(clicked[0]!.href).toBe("blob:csv");
    expect(asked).toEqual(["?state=failed"]);
  });

  it("says why an export failed", async () => {
    fakeGateway({
      [`GET /api/v1/campaigns/${CAMPAIGN}/recipients/export`]: () => problem(403, "managers and above export recipients", "forbidden"),
    });
    renderWithProviders(<RecipientsExportButton campaignId={CAMPAIGN} />);
    await userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never }).click(screen.getByRole("button", { name: "Export recipients (CSV)" }));
    expect(await screen.findByText("The recipients could not be exported.")).toBeInTheDocument();
    expect(screen.getByText("managers and above export recipients")).toBeInTheDocument();
  });
});

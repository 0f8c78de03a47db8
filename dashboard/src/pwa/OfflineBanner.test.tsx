import { act, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../test/render";
import { OfflineBanner } from "./OfflineBanner";

function goOffline(offline: boolean) {
  vi.spyOn(navigator, "onLine", "get").mockReturnValue(!offline);
  act(() => {
    window.dispatchEvent(new Event(offline ? "offline" : "online"));
  });
}

describe("the offline banner", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("says the app is offline while the network is gone, and leaves when it returns", async () => {
    renderWithProviders(<OfflineBanner />);
    expect(screen.queryByText(/you are offline/i)).not.toBeInTheDocument();

    goOffline(true);
    expect(await screen.findByRole("status")).toHaveTextContent(/nothing can be sent/i);

    goOffline(false);
    expect(screen.queryByText(/you are offline/i)).not.toBeInTheDocument();
  });
});

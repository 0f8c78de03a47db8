// Vitest setup: jest-dom matchers, the browser APIs jsdom lacks that Mantine uses, and
// English strings.
import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, vi } from "vitest";
import i18n from "../i18n";
import { FakeWebSocket } from "../live/fakeSocket";

// findBy*/waitFor poll until this deadline: the default second is too short on a machine
// that also runs the services' tests.
configure({ asyncUtilTimeout: 5000 });

beforeAll(async () => {
  await i18n.changeLanguage("en");
});

// Whole-app tests open the live socket: jsdom's real WebSocket would try to reach a server.
// Tests about the socket install the fake themselves and play the gateway.
beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
window.HTMLElement.prototype.scrollIntoView ??= () => {};

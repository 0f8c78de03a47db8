// The providers every page relies on: theme, notifications, server state, session, routes;
// and the installable app's offline banner and update prompt.
import { type CSSVariablesResolver, type MantineColorsTuple, MantineProvider, createTheme } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Suspense, useState } from "react";
import { RouterProvider, createBrowserRouter, createMemoryRouter } from "react-router";
import { AuthProvider } from "./auth/AuthProvider";
import { OfflineBanner } from "./pwa/OfflineBanner";
import { UpdatePrompt } from "./pwa/UpdatePrompt";
import { routes } from "./routes";
import { PageFallback } from "./shell/PageFallback";

// Mantine's teal with its two darkest shades darkened: white on the filled colour and the
// light variant's text (the active navigation link) reach WCAG AA's 4.5:1, which teal's
// own shades 6–9 do not.
const brand: MantineColorsTuple = [
  "#e6fcf5",
  "#c3fae8",
  "#96f2d7",
  "#63e6be",
  "#38d9a9",
  "#20c997",
  "#12b886",
  "#0ca678",
  "#08775a",
  "#077255",
];

const theme = createTheme({
  colors: { brand },
  primaryColor: "brand",
  primaryShade: { light: 9, dark: 8 },
  defaultRadius: "md",
});

// Secondary ("dimmed") text one step darker than Mantine's gray 6, which is 3.3:1 on white.
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "#5c636a" },
  dark: {},
});

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } },
  });
}

interface AppProps {
  queryClient?: QueryClient;
  /** Tests start at a path in memory; the browser uses its address bar. */
  initialPath?: string;
}

export function App({ queryClient = createQueryClient(), initialPath }: AppProps) {
  const [router] = useState(() =>
    initialPath
      ? createMemoryRouter(routes, { initialEntries: [initialPath] })
      : createBrowserRouter(routes),
  );
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
      <Notifications />
      <OfflineBanner />
      <UpdatePrompt />
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <Suspense fallback={<PageFallback />}>
            <RouterProvider router={router} />
          </Suspense>
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

import '@mantine/core/styles.css';
import { MantineProvider, createTheme } from '@mantine/core';
import type { CSSVariablesResolver } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

// Light variants (alerts, badges) draw text in shade 6 by default, below WCAG AA on their own
// tinted background for several colours; shade 9 darkened by a third passes for all of them.
const cssVariablesResolver: CSSVariablesResolver = (theme) => ({
  variables: {},
  light: Object.fromEntries([
    ...Object.keys(theme.colors).map((color) => [`--mantine-color-${color}-light-color`, `color-mix(in srgb, var(--mantine-color-${color}-9) 67%, black)`]),
    ['--mantine-primary-color-light-color', `color-mix(in srgb, var(--mantine-color-${theme.primaryColor}-9) 67%, black)`],
    // Dimmed text (input descriptions) is gray 6 by default: 3.3:1 on white, below AA. Gray 7 passes.
    ['--mantine-color-dimmed', 'var(--mantine-color-gray-7)'],
  ]) as Record<string, string>,
  dark: {},
});

const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 7 keeps white-on-primary and primary-on-white text above WCAG AA contrast.
  primaryShade: 7,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});

// IPC calls go to a local process: retries only hide real errors.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

const root = document.getElementById('root');
if (!root) throw new Error('missing #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);

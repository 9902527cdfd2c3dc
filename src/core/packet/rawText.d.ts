// Vite's `?raw` import: the file's text, bundled (the packet's reproduce_sample.py).
declare module '*.py?raw' {
  const text: string;
  export default text;
}

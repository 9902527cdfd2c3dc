/** Vite's `?url` imports: the built asset's URL (a file of this app, 'self' in the CSP). */
declare module '*?url' {
  const url: string;
  export default url;
}

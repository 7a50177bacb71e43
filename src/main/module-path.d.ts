// electron-vite bundles `import x from './file?modulePath'` as a separate entry and gives its path
// (used for the engine's worker thread).
declare module '*?modulePath' {
  const path: string;
  export default path;
}

// The package ships no types for its per-file entry points; this one default-exports the list.
declare module '@zxcvbn-ts/language-common/dist/passwords.json.mjs' {
  const passwords: string[];
  export default passwords;
}

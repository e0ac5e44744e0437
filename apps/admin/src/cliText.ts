/** A command's result printed as it is (a table for people) instead of as JSON: cli.ts's runner writes `text` alone. */
export class CliText {
  constructor(readonly text: string) {}
}

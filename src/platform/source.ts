/**
 * Where a record came from in a file, and a problem found there: shared by every reader of files (imports, surveys).
 */
/** Where a record came from: the file (as given) and its 1-based line number. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** A problem found while reading: it names where (file:line and field) and why. */
export interface SourceIssue {
  at: SourceLocation;
  field?: string | undefined;
  value?: string | undefined;
  message: string;
}

// The sentence to show for a failed call: the server's detail, and for a 422 the fields it
// named ("the request does not match the schema" alone would not tell what to fix).
import { problemMessage } from "../../api/client";

interface FieldError {
  loc?: (string | number)[];
  msg?: string;
}

export function describeProblem(error: unknown, fallback: string): string {
  const message = problemMessage(error, fallback);
  const errors = (error as { errors?: FieldError[] } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return message;
  const details = errors
    .map((item) => {
      const field = (item.loc ?? []).filter((part) => part !== "body").join(".");
      const text = (item.msg ?? "").replace(/^Value error, /, "");
      return field ? `${field}: ${text}` : text;
    })
    .filter(Boolean);
  return details.length ? `${message} (${details.join("; ")})` : message;
}

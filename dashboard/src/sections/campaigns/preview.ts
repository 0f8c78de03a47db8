// The message as a contact would read it: {{variable|fallback}} filled with sample values.
// The service renders the real thing per recipient; this only shows the shape.

/** The variables the form suggests, with the value the preview puts in for them. */
export const SAMPLE: Record<string, string> = {
  first_name: "Maria",
  name: "Maria Silva",
  phone: "+55 11 98888-0000",
  email: "maria@example.com",
};

export const VARIABLE_HINT = "{{first_name|cliente}}, {{name}}, {{phone}}, {{email}}";

const VARIABLE = /\{\{\s*([^{}|]+?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

/** The text with each known variable replaced by its sample, an unknown one by its fallback
 *  (or left as written when it has none). */
export function renderPreview(body: string, sample: Record<string, string> = SAMPLE): string {
  return body.replace(VARIABLE, (whole, name: string, fallback: string | undefined) => {
    const value = sample[name];
    if (value) return value;
    return fallback || whole;
  });
}

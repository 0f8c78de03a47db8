import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { END, type StepDraft, fromWire, moveStep, newStep, problemsOf, removeStep, serverProblems, targetsAfter, toWire } from "./steps";

const send = (body: string) => ({ ...newStep("send"), body }) as StepDraft;

describe("cadence steps", () => {
  it("keeps a branch pointing at the same step when steps move, and numbers it on saving", () => {
    const first = send("Oi");
    const branch = { ...newStep("branch"), then: "", otherwise: END } as Extract<StepDraft, { type: "branch" }>;
    const wait = newStep("wait");
    const last = send("Tchau");
    branch.then = last.key;
    let steps: StepDraft[] = [first, branch, wait, last];
    expect(toWire(steps)[1]).toMatchObject({ then_step: 3, else_step: 4 });

    steps = moveStep(steps, 2, 1); // the wait goes last: the message it went to is now step 3
    expect(toWire(steps)[1]).toMatchObject({ then_step: 2, else_step: 4 });
    expect(moveStep(steps, 0, -1)).toBe(steps);
  });

  it("sends a branch to the step that took a removed one's place", () => {
    const branch = { ...newStep("branch") } as Extract<StepDraft, { type: "branch" }>;
    const wait = newStep("wait");
    const last = send("Tchau");
    const steps = removeStep([send("Oi"), { ...branch, then: wait.key }, wait, last], 2);
    expect(toWire(steps)[1]).toMatchObject({ then_step: 2 });
  });

  it("offers a branch only the steps after it and the end", () => {
    const steps = [send("a"), newStep("branch"), send("b"), newStep("wait")];
    expect(targetsAfter(steps, 1).map((target) => target.step)).toEqual([2, 3, null]);
  });

  it("flags a branch whose target is no longer after it, an empty message and a cadence without a send", () => {
    const a = send("");
    const branch = { ...newStep("branch"), then: a.key } as StepDraft;
    expect(problemsOf([a, branch])).toEqual(
      new Map([
        [0, ["bodyRequired"]],
        [1, ["thenEarlier"]],
      ]),
    );
    expect(problemsOf([newStep("wait")]).get(-1)).toEqual(["noSend"]);
  });

  it("reads saved steps back, a branch's numbers as its targets", () => {
    const stored = [
      { type: "send", message: { type: "text", body: "Oi" } },
      { type: "branch", condition: { kind: "filter", filter: { all: [{ condition: "tags", match: "any", tag_ids: ["t1"] }] } }, then_step: 2, else_step: 3 },
      { type: "wait_until", days: [1, 5], time: "09:30:00", per_contact: true },
    ];
    expect(toWire(fromWire(stored))).toEqual([
      stored[0],
      stored[1],
      { type: "wait_until", days: [1, 5], time: "09:30", per_contact: true },
    ]);
  });

  it("places the API's problems at the steps they name", () => {
    const schema = new ApiError(422, {
      status: 422,
      errors: [
        { loc: ["body", "steps", 2, "wait", "amount"], msg: "too big" },
        { loc: ["body"], msg: "Value error, steps[1]: a branch goes on at a later step" },
        { loc: ["body", "name"], msg: "too long" },
      ],
    });
    const { byStep, general } = serverProblems(schema);
    expect(byStep).toEqual(new Map([[2, ["too big"]], [1, ["a branch goes on at a later step"]]]));
    expect(general).toEqual(["too long"]);
    const own = serverProblems(new ApiError(422, { status: 422, detail: "steps[0]: unknown variable", code: "cadence_invalid" }));
    expect(own.byStep).toEqual(new Map([[0, ["unknown variable"]]]));
  });
});

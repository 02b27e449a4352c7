// rallish-tui's opencode plugin, loaded when rallish-tui starts opencode in a pane (see
// src/agents/opencode.rs). It tells rallish-tui what opencode does, through the same
// `rallish-tui hook ...` commands claude's hooks run: a prompt taken, a permission asked,
// the session idle again (with the last thing the model said). It decides nothing and
// changes nothing opencode shows; outside a rallish-tui pane the hook does nothing.
import { spawn } from "node:child_process";

const report = (event, payload) => {
  try {
    const child = spawn("rallish-tui", ["hook", event], {
      stdio: ["pipe", "ignore", "ignore"],
    });
    child.on("error", () => {});
    child.stdin.on("error", () => {});
    child.stdin.end(JSON.stringify(payload ?? {}));
  } catch {
    // Never get in opencode's way.
  }
};

export const RallishTui = async () => {
  const roles = new Map();
  const lastText = new Map();
  const busy = new Set();
  // Subagents' sessions: their turns are not the agent's.
  const children = new Set();
  return {
    event: async ({ event }) => {
      const p = event.properties ?? {};
      if (p.info?.parentID) children.add(p.info.id);
      if (children.has(p.sessionID)) return;
      switch (event.type) {
        case "message.updated":
          if (p.info?.id) roles.set(p.info.id, p.info.role);
          break;
        case "message.part.updated":
          if (p.part?.type === "text" && roles.get(p.part.messageID) === "assistant") {
            lastText.set(p.part.sessionID, p.part.text ?? "");
          }
          break;
        case "session.status":
          if (p.status?.type === "busy" && !busy.has(p.sessionID)) {
            busy.add(p.sessionID);
            report("prompt-submitted");
          }
          break;
        case "permission.asked":
          report("permission-request", { tool_name: p.permission ?? p.type });
          break;
        case "session.idle":
          if (busy.delete(p.sessionID)) {
            report("turn-ended", { last_assistant_message: lastText.get(p.sessionID) ?? "" });
          }
          break;
      }
    },
  };
};

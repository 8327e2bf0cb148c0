import type { webApi } from '@slack/bolt';
import type { SlackDelivery } from './deliver.ts';

type WebClient = webApi.WebClient;

/** The workspace of a Slack class id (slack:TEAM:CHANNEL, see classIdOf). */
export function teamOfClass(classId: string): string {
  return classId.split(':')[1] ?? '';
}

/**
 * One SlackDelivery per workspace, each posting with its workspace's own
 * client (Bolt hands every request a client authorized with that
 * workspace's token and keeps one per token). In single-workspace mode one
 * fixed delivery serves everything, as before.
 */
export class WorkspaceDeliveries {
  private readonly byTeam = new Map<string, { client: WebClient; delivery: SlackDelivery }>();
  private readonly fixed: SlackDelivery | null;

  constructor(
    private readonly make: (client: WebClient) => SlackDelivery,
    fixedClient: WebClient | null,
  ) {
    this.fixed = fixedClient ? make(fixedClient) : null;
  }

  /** The delivery for a request of `teamId`, answered with the client Bolt authorized for it. */
  readonly for = (client: WebClient, teamId: string): SlackDelivery => {
    if (this.fixed) return this.fixed;
    const hit = this.byTeam.get(teamId);
    if (hit && hit.client === client) return hit.delivery;
    // A first request, or a reinstall brought a new token.
    const delivery = this.make(client);
    this.byTeam.set(teamId, { client, delivery });
    return delivery;
  };

  /** For posts no request carries (a quiz's summary): the workspace's delivery, or one on a client for its stored token; null once uninstalled. */
  async forTeam(teamId: string, clientFor: (teamId: string) => Promise<WebClient | null>): Promise<SlackDelivery | null> {
    if (this.fixed) return this.fixed;
    const hit = this.byTeam.get(teamId);
    if (hit) return hit.delivery;
    const client = await clientFor(teamId);
    return client ? this.for(client, teamId) : null;
  }

  /** An uninstalled workspace's client holds a dead token: drop it. */
  forget(teamId: string): void {
    this.byTeam.delete(teamId);
  }
}

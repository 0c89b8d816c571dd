/**
 * A sticky partition assigner for kafkajs. Offsets are committed only as windows close, so a
 * partition that moves is re-read by its new owner from minutes back and those records are counted
 * twice. kafkajs's round-robin assigner reshuffles most partitions at every join or leave; this
 * one keeps each partition with its current owner while the counts stay balanced (each member
 * sends what it holds in its join metadata), so only the partitions that must move do.
 */
import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

export const STICKY_ASSIGNER = 'VpcflowStickyAssigner';

/**
 * Balanced assignment keeping previous owners: counts differ by at most one, members that held
 * more get the larger shares, and a member keeps as many of its partitions as its share allows.
 */
export function stickyAssignment(partitions: readonly string[], members: readonly { id: string; previous: readonly string[] }[]): Map<string, string[]> {
  const result = new Map(members.map((m) => [m.id, [] as string[]]));
  if (members.length === 0) return result;
  const exists = new Set(partitions);
  const base = Math.floor(partitions.length / members.length);
  let larger = partitions.length % members.length;
  const byHeld = [...members].sort((a, b) => b.previous.length - a.previous.length || a.id.localeCompare(b.id));
  const quota = new Map(byHeld.map((m) => [m.id, base + (larger-- > 0 ? 1 : 0)]));
  const taken = new Set<string>();
  for (const member of byHeld) {
    const mine = result.get(member.id)!;
    for (const partition of member.previous) {
      if (mine.length >= quota.get(member.id)! || !exists.has(partition) || taken.has(partition)) continue;
      mine.push(partition);
      taken.add(partition);
    }
  }
  const open = partitions.filter((p) => !taken.has(p));
  for (const member of byHeld) {
    const mine = result.get(member.id)!;
    while (mine.length < quota.get(member.id)! && open.length > 0) mine.push(open.shift()!);
  }
  return result;
}

const topicOf = (partition: string): string => partition.slice(0, partition.lastIndexOf('/'));
const numberOf = (partition: string): number => Number(partition.slice(partition.lastIndexOf('/') + 1));

/** The kafkajs assigner; `held` gives the partitions ('topic/n') this member holds now. */
export function stickyAssigner(held: () => ReadonlySet<string>): PartitionAssigner {
  return ({ cluster }): Assigner => ({
    name: STICKY_ASSIGNER,
    version: 0,
    async assign({ members, topics }) {
      const partitions = topics.flatMap((topic) => cluster.findTopicPartitionMetadata(topic).map((m) => `${topic}/${m.partitionId}`));
      const previous = members.map(({ memberId, memberMetadata }) => {
        const userData = AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData;
        return { id: memberId, previous: userData && userData.length > 0 ? (JSON.parse(userData.toString('utf8')) as string[]) : [] };
      });
      return [...stickyAssignment(partitions, previous)].map(([memberId, mine]) => {
        const assignment: Record<string, number[]> = {};
        for (const partition of mine) (assignment[topicOf(partition)] ??= []).push(numberOf(partition));
        return { memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }) };
      });
    },
    protocol({ topics }) {
      return { name: STICKY_ASSIGNER, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.from(JSON.stringify([...held()])) }) };
    },
  });
}

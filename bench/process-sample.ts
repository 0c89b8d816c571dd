/** Peak RSS and CPU time of a benchmarked child process, from Linux /proc. */
import { readFile } from 'node:fs/promises';

export interface ProcessSample {
  peakRssMb: number;
  /** CPU time of the whole process and of its main thread (Linux /proc; 0 elsewhere). */
  cpuSeconds: number;
  mainThreadSeconds: number;
}

/** CPU seconds (user + system) in a /proc stat line. */
function statSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size and CPU time of a process, sampled from /proc while it runs. */
export function sampleProcess(pid: number, every = 50): { stop: () => ProcessSample } {
  const sample: ProcessSample = { peakRssMb: 0, cpuSeconds: 0, mainThreadSeconds: 0 };
  const read = async (): Promise<void> => {
    const [status, stat, main] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8')]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    if (hwm) sample.peakRssMb = Math.max(sample.peakRssMb, Number(hwm[1]) / 1024);
    sample.cpuSeconds = statSeconds(stat);
    sample.mainThreadSeconds = statSeconds(main);
  };
  const timer = setInterval(() => void read().catch(() => undefined), every);
  return {
    stop: () => {
      clearInterval(timer);
      return sample;
    },
  };
}

/**
 * Watches the folders of the hosts' config files. Hosts (and people) replace these files by
 * renaming over them, which ends a watch on the file itself, so the folder is watched and events
 * are filtered by name. Events are debounced into one rescan; a periodic rescan catches what
 * watching misses (folders that do not exist yet, network drives, platforms without events).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface WatchOptions {
  debounceMs?: number;
  rescanMs?: number;
}

export class HostFileWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private names = new Map<string, Set<string>>();
  private debounce: NodeJS.Timeout | undefined;
  private readonly periodic: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly onChange: () => void,
    private readonly options: Required<WatchOptions>,
  ) {
    this.periodic = setInterval(() => this.fire(), options.rescanMs);
    this.periodic.unref();
  }

  /** Watches exactly the folders of these files (adding and dropping watches as the set changes). */
  track(files: readonly string[]): void {
    if (this.stopped) return;
    const names = new Map<string, Set<string>>();
    for (const file of files) {
      const dir = path.dirname(file);
      let set = names.get(dir);
      if (!set) names.set(dir, (set = new Set()));
      set.add(path.basename(file));
    }
    this.names = names;
    for (const [dir, watcher] of this.watchers) {
      if (!names.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of names.keys()) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || this.names.get(dir)?.has(name.toString())) this.schedule();
        });
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, watcher);
      } catch {
        /* the folder does not exist (yet); the periodic rescan covers it */
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.fire(), this.options.debounceMs);
    this.debounce.unref();
  }

  private fire(): void {
    this.debounce = undefined;
    if (!this.stopped) this.onChange();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.periodic);
    if (this.debounce) clearTimeout(this.debounce);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

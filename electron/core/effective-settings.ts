import { canonicalJson } from '../../shared/canonical';
import type { Rule } from '../../shared/types';
import type { TamperReport } from './integrity';
import type { PinStore } from './pins/store';
import type { SettingsStore } from './settings';

/**
 * Settings as they are allowed to act. A file edited outside Airlock fails its integrity check; until
 * a person accepts it, nothing in it may loosen anything: allow rules do not count, trust on first use
 * is off, a pause or revocation from the last trusted version still holds, and a server the edit
 * added — or whose launch command it changed — is blocked.
 */
export class EffectiveSettings {
  constructor(
    private readonly settings: SettingsStore,
    private readonly pins: PinStore,
  ) {}

  tamperReports(): TamperReport[] {
    return [this.settings.tamper, this.pins.tamper].filter((r): r is TamperReport => r !== undefined);
  }

  get rules(): Rule[] {
    const rules = this.settings.data.rules;
    return this.settings.tamper ? rules.filter((r) => r.action !== 'allow') : rules;
  }

  get paused(): boolean {
    return this.settings.data.paused || (this.settings.tamper !== undefined && this.settings.trustedData?.paused === true);
  }

  get trustOnFirstUse(): boolean {
    return this.settings.tamper === undefined && this.settings.data.trustOnFirstUse;
  }

  revocationOf(name: string): { at: string; by: string } | undefined {
    const record = this.settings.data.servers[name];
    if (!record) return undefined;
    if (record.revoked) return record.revoked;
    const tamper = this.settings.tamper;
    if (!tamper) return undefined;
    const trusted = this.settings.trustedData?.servers[name];
    if (trusted?.revoked) return trusted.revoked;
    if (!trusted || canonicalJson(trusted.spec) !== canonicalJson(record.spec)) return { at: tamper.detectedAt, by: 'integrity check' };
    return undefined;
  }
}

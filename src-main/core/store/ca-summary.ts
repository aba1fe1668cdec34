/**
 * A certificate authority of the vault as the store returns it and the
 * contract's CaView shows it. Node-free, so the contract may import it.
 */
export interface CaSummary {
  /** Stable id; the CA of a vault made before several CAs existed has the id "default". */
  id: string;
  /** Unique in the vault; what --ca names. */
  name: string;
  purpose: string;
  created: string;
  /** The id of the CA of this vault that certified this CA's first key, or null. */
  parentId: string | null;
  /** Per-CA settings; null: the vault's setting of the same name applies. */
  settings: {
    trustedWindowDays: number | null;
    crlValidityDays: number | null;
    /** Profiles this CA may issue; null: every profile. */
    allowedProfiles: string[] | null;
    /** Validity in days when a request names none; null: the profile's default. */
    defaultValidityDays: number | null;
  };
}

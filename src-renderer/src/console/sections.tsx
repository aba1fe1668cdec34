import type { ReactNode } from 'react';
import type { SessionStatus } from '../../../src-main/api/contract.ts';
import type { SectionId, WizardId } from '../store/nav-slice.ts';
import { SettingsSection } from './sections/SettingsSection.tsx';
import { DashboardSection } from './sections/DashboardSection.tsx';
import { KeysSection } from './sections/KeysSection.tsx';
import { SubCaWizard } from './wizards/SubCaWizard.tsx';
import { RootWizard } from './wizards/RootWizard.tsx';
import { EmergencyWizard } from './wizards/EmergencyWizard.tsx';
import { CertificatesSection } from './sections/CertificatesSection.tsx';
import { AuditSection } from './sections/AuditSection.tsx';
import { ExportWizard } from './wizards/ExportWizard.tsx';
import { IssueFromMediaWizard } from './wizards/IssueFromMediaWizard.tsx';
import { NewCaWizard } from './wizards/NewCaWizard.tsx';

/**
 * The console's sections and wizards, in navigation order. Each section and
 * each wizard is one component in its own file; register it here.
 */
export interface SectionEntry {
  id: SectionId;
  label: string;
  render: (status: SessionStatus) => ReactNode;
}

export const SECTIONS: readonly SectionEntry[] = [
  { id: 'dashboard', label: 'Dashboard', render: () => <DashboardSection /> },
  { id: 'keys', label: 'Signing keys', render: () => <KeysSection /> },
  { id: 'certificates', label: 'Certificates', render: () => <CertificatesSection /> },
  { id: 'audit', label: 'Audit log', render: () => <AuditSection /> },
  { id: 'settings', label: 'Settings', render: (status) => <SettingsSection status={status} /> },
];

export interface WizardEntry {
  id: WizardId;
  label: string;
  render: (keyId: string | null) => ReactNode;
}

export const WIZARDS: Readonly<Record<WizardId, WizardEntry>> = {
  'sub-ca': { id: 'sub-ca', label: 'New sub-CA key', render: (keyId) => <SubCaWizard key={keyId ?? 'new'} resumeKeyId={keyId} /> },
  root: { id: 'root', label: 'New standalone root', render: (keyId) => <RootWizard key={keyId ?? 'new'} resumeKeyId={keyId} /> },
  emergency: { id: 'emergency', label: 'Emergency rotation', render: () => <EmergencyWizard /> },
  'issue-media': { id: 'issue-media', label: 'Issue from media', render: () => <IssueFromMediaWizard /> },
  export: { id: 'export', label: 'Export to removable media', render: () => <ExportWizard /> },
  'new-ca': { id: 'new-ca', label: 'New certificate authority', render: () => <NewCaWizard /> },
};

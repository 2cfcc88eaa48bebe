// LAN mode as it runs: whether it is on, the address devices open, the CA to install (its fingerprints, download link
// and install steps), the server certificate and mDNS; and a warning when the CA was replaced at this start.
import type { ReactNode } from 'react';
import type { LanView } from '../../../api/lan';
import { CopyButton } from '../../../components/copy-button';
import { AbsoluteTime } from '../../../components/relative-time';
import { StatusBadge } from '../../../components/status-badge';
import { LanInstallSteps } from './lan-install-steps';

const MDNS_STATES: Record<LanView['mdns']['state'], string> = {
  off: 'Off',
  not_local: 'Not advertised (not a .local name)',
  probing: 'Checking that the name is free…',
  advertised: 'Advertised: devices find Gatehouse by its name',
  name_in_use: 'Not advertised: another device uses this name',
  failed: 'Failed',
  stopped: 'Stopped',
};

const REPLACED_BECAUSE: Record<string, string> = {
  hostname_not_permitted: 'the host name changed (a CA is limited to its own name)',
  expiring: 'the old one was about to expire',
  unreadable: 'the old one could not be opened with this machine’s master key',
};

function Row({ label, value, copy, hint }: { label: string; value: ReactNode; copy?: { text: string; id: string; label: string }; hint?: ReactNode }) {
  return (
    <div className="copy-row">
      <dt>{label}</dt>
      <dd>
        {copy ? (
          <code className="copy-value" id={copy.id}>
            {value}
          </code>
        ) : (
          value
        )}
        {hint && <span className="hint copy-hint">{hint}</span>}
      </dd>
      {copy && (
        <dd className="copy-action">
          <CopyButton value={copy.text} label={copy.label} targetId={copy.id} />
        </dd>
      )}
    </div>
  );
}

export function LanStatus({ view }: { view: LanView }) {
  const authority = view.certificateAuthority;
  const certificate = view.serverCertificate;
  if (!view.enabled) {
    return (
      <p className="lan-state">
        <StatusBadge>Off</StatusBadge> Gatehouse answers on this machine only
        {view.nextStart.enabled ? ' until it restarts: LAN mode is saved for the next start.' : '. Turn LAN mode on below; it applies after Gatehouse restarts.'}
      </p>
    );
  }
  return (
    <div className="lan-status">
      <p className="lan-state">
        <StatusBadge tone="success">On</StatusBadge>{' '}
        {view.listening ? 'Devices on your network reach Gatehouse over HTTPS.' : 'LAN mode is on, but its listener is not open.'}
        {view.allowAdmin && ' The admin pages answer on the LAN too.'}
      </p>
      {authority?.replaced && (
        <div className="notice lan-warning" role="alert">
          <p>
            <strong>New CA certificate: install it again on every device.</strong> Gatehouse made a new certificate authority at this start because{' '}
            {REPLACED_BECAUSE[authority.replaced.reason] ?? authority.replaced.reason}. Until a device has the new one, its browser says Gatehouse is not trusted and passkeys fail
            there.{authority.replaced.reason === 'hostname_not_permitted' && ' Passkeys made under the old host name do not work under the new one: people register new ones.'}
          </p>
        </div>
      )}
      <dl className="copy-list">
        {view.url && (
          <Row
            label="LAN address"
            value={view.url}
            copy={{ text: view.url, id: 'lan-url', label: 'Copy LAN address' }}
            hint="Passkeys work only at this address: open Gatehouse by this name on every device, not by its IP address."
          />
        )}
        {view.addressUrls.length > 0 && <Row label="By IP address" value={<span className="copy-value">{view.addressUrls.join(', ')}</span>} hint="For a first look only: passkeys do not work there." />}
        {authority && (
          <>
            <Row
              label="CA fingerprint (SHA‑256)"
              value={authority.fingerprintSha256}
              copy={{ text: authority.fingerprintSha256, id: 'lan-ca-sha256', label: 'Copy SHA-256 fingerprint' }}
              hint="Check that a device shows this before you install the certificate there."
            />
            <Row
              label="CA thumbprint (SHA‑1)"
              value={authority.fingerprintSha1}
              copy={{ text: authority.fingerprintSha1, id: 'lan-ca-sha1', label: 'Copy SHA-1 thumbprint' }}
              hint="What Windows shows as “Thumbprint”."
            />
            <Row label="CA valid until" value={<AbsoluteTime value={authority.notAfter} />} />
          </>
        )}
        {certificate && (
          <Row
            label="Server certificate"
            value={
              <>
                Valid until <AbsoluteTime value={certificate.notAfter} />; renewed by itself before it expires.
              </>
            }
            hint={
              <>
                Names: <span className="lan-names">{[...certificate.dnsNames, ...certificate.ipAddresses].join(', ')}</span>
                {view.leftOutAddresses.length > 0 && `. Left out (the CA may name private addresses only): ${view.leftOutAddresses.join(', ')}`}
              </>
            }
          />
        )}
        <Row label="mDNS" value={MDNS_STATES[view.mdns.state]} hint={view.mdns.message ?? undefined} />
      </dl>
      {authority && (
        <div className="lan-download">
          <a className="primary button-link" href={authority.downloadPath} download={`${view.hostname}-ca.crt`}>
            Download the CA certificate
          </a>
          <p className="hint">Install it once on each device, so its browsers trust Gatehouse and passkeys work there.</p>
        </div>
      )}
      {authority && <LanInstallSteps file={`${view.hostname}-ca.crt`} />}
    </div>
  );
}

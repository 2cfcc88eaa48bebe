// How to install the LAN CA's certificate on each kind of device, condensed from docs/lan.md: one folded block per
// system, so the one a reader needs is one click away and the rest stay out of the way.
import type { ReactNode } from 'react';

function Steps({ system, children }: { system: string; children: ReactNode }) {
  return (
    <details className="advanced lan-steps">
      <summary>{system}</summary>
      {children}
    </details>
  );
}

/** `file` is the name the download gets (<hostname>-ca.crt). */
export function LanInstallSteps({ file }: { file: string }) {
  const name = <code className="inline-code">{file}</code>;
  return (
    <div className="lan-install">
      <h3>Install it on each device</h3>
      <p className="hint">
        Open the download link on the device itself. Before installing, check that the SHA-256 fingerprint the device shows is the one above. Firefox keeps its own list on every
        system (see Linux).
      </p>
      <Steps system="Windows">
        <ol>
          <li>Double-click {name} and choose <em>Install Certificate…</em></li>
          <li>
            Choose <em>Local Machine</em>, then <em>Place all certificates in the following store</em> → <em>Browse…</em> → <em>Trusted Root Certification Authorities</em>.
          </li>
          <li>
            <em>Finish</em>, and accept the security warning. Its “Thumbprint” is the SHA-1 one above. Edge and Chrome use it.
          </li>
        </ol>
        <p className="hint">
          Or, from an administrator prompt: <code className="inline-code">certutil -addstore -f Root {file}</code>
        </p>
      </Steps>
      <Steps system="macOS">
        <ol>
          <li>Double-click {name}: Keychain Access opens. Add it to the <em>System</em> keychain.</li>
          <li>
            Double-click “Gatehouse LAN CA” there, open <em>Trust</em>, set <em>When using this certificate</em> to <em>Always Trust</em>.
          </li>
          <li>Close the window and confirm with your password. Safari and Chrome use it.</li>
        </ol>
      </Steps>
      <Steps system="Linux, and Firefox everywhere">
        <ol>
          <li>
            For the system (Debian, Ubuntu): <code className="inline-code">sudo cp {file} /usr/local/share/ca-certificates/ && sudo update-ca-certificates</code>. Fedora: copy it
            to <code className="inline-code">/etc/pki/ca-trust/source/anchors/</code>, then <code className="inline-code">sudo update-ca-trust</code>.
          </li>
          <li>
            Chrome and Chromium: <em>Settings → Privacy and security → Security → Manage certificates → Authorities → Import</em>, tick <em>Trust this certificate for identifying
            websites</em>.
          </li>
          <li>
            Firefox (every system): <em>Settings → Privacy & Security → Certificates → View Certificates… → Authorities → Import…</em>, tick <em>Trust this CA to identify
            websites</em>.
          </li>
        </ol>
      </Steps>
      <Steps system="Android">
        <ol>
          <li>Download the file on the phone.</li>
          <li>
            <em>Settings → Security & privacy → More security settings → Encryption & credentials → Install a certificate → CA certificate → Install anyway</em>, then pick the file
            (menu names vary by maker).
          </li>
          <li>Chrome trusts it; sign in through the browser.</li>
        </ol>
      </Steps>
      <Steps system="iPhone and iPad">
        <ol>
          <li>
            Open the download link in Safari and <em>Allow</em> the configuration profile.
          </li>
          <li>
            <em>Settings → General → VPN & Device Management</em> → the Gatehouse profile → <em>Install</em>.
          </li>
          <li>
            Then turn trust on, a separate step: <em>Settings → General → About → Certificate Trust Settings</em> → enable “Gatehouse LAN CA”.
          </li>
        </ol>
      </Steps>
    </div>
  );
}

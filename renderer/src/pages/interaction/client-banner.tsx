// Which application the user is signing in to, with its logo when it has an https one.
import type { ClientView, InteractionView } from '../../api/flow';

export function ClientBanner({ client, step }: { client: ClientView; step: InteractionView['step'] }) {
  const text = step === 'consent' ? 'is asking for access to your account' : 'to continue to';
  return (
    <p className="client">
      {client.logoUri && <img src={client.logoUri} alt="" width="32" height="32" referrerPolicy="no-referrer" />}
      {step === 'consent' ? (
        <span>
          <strong>{client.name}</strong> {text}
        </span>
      ) : (
        <span>
          {text} <strong>{client.name}</strong>
        </span>
      )}
    </p>
  );
}

// Placeholder, replaced by the page itself.
import { Layout } from '../components/layout';

export function ResetPage({ token }: { token: string | null }) {
  return <Layout title="Not built yet"><p>{token}</p></Layout>;
}

// Placeholder, replaced by the page itself.
import { Layout } from '../components/layout';

export function LoginPage({ next }: { next: string | null }) {
  return <Layout title="Not built yet"><p>{next}</p></Layout>;
}

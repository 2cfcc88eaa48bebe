// Placeholder, replaced by the page itself.
import { Layout } from '../components/layout';

export function ApiDocsPage() {
  return <Layout title="Not built yet"><p>API reference</p></Layout>;
}

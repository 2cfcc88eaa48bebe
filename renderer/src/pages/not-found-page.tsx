import { Layout } from '../components/layout';

export function NotFoundPage() {
  return (
    <Layout title="Page not found">
      <p>
        There is no page here. <a href="/">Go to your Gatehouse account</a>.
      </p>
    </Layout>
  );
}

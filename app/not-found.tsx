import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="card">
      <h1>Not found</h1>
      <p>This page does not exist, or you are not a member of its project.</p>
      <Link href="/">Back to your projects</Link>
    </div>
  );
}

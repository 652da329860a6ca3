import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/client';
import { useSession } from '../../app/session';
import { useDocumentTitle } from '../../app/router';

export function SignInPage({ notice }: { notice?: string }) {
  useDocumentTitle('Sign in');
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand"><span className="brand-mark" style={{ color: '#fff' }} aria-hidden="true">R</span>Rally</div>
        <h1 id="signin-title">Sign in</h1>
        {notice && !error && <div className="alert">{notice}</div>}
        {error && <div className="alert" role="alert">{error}</div>}
        <div className="field">
          <label htmlFor="signin-email">Email</label>
          <input id="signin-email" className="input" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input id="signin-password" className="input" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </div>
        <button className="btn primary" type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </div>
  );
}

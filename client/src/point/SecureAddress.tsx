import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Where this console is served securely, for a page opened over plain HTTP: the coordinator's public address when it
 * is an https:// one (the same link, there), else a word that the server has none yet.
 */
export function SecureAddress() {
  const { t } = useTranslation();
  const [publicUrl, setPublicUrl] = useState<string | null>(null);
  useEffect(() => {
    fetch('/api/address')
      .then((r) => r.json() as Promise<{ publicUrl: string }>)
      .then(({ publicUrl: url }) => setPublicUrl(url))
      .catch(() => setPublicUrl(''));
  }, []);
  if (publicUrl === null) {
    return null;
  }
  if (!publicUrl.startsWith('https://')) {
    return <span data-testid="secure-address">{t('point.secureAddress.none')}</span>;
  }
  const secure = `${new URL(publicUrl).origin}${location.pathname}${location.search}`;

  return (
    <span data-testid="secure-address">
      {t('point.secureAddress.open')} <a href={secure}>{new URL(publicUrl).origin}</a>
    </span>
  );
}

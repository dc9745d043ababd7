import { useTranslation } from 'react-i18next';
import type { PanelProps } from './panelProps.js';

/** The agenda with the current item, and the meeting's lifecycle buttons. */
export function AgendaPanel({ client, state, canModerate }: PanelProps) {
  const { t } = useTranslation();
  const { status, agendaIndex } = state.status;
  const agenda = state.meeting.agenda;

  return (
    <section className="panel agenda-panel" aria-labelledby="agenda-title">
      <div className="panel-head">
        <h2 id="agenda-title">{t('agenda.title')}</h2>
        {canModerate && (
          <div className="actions">
            {status === 'scheduled' && (
              <button type="button" className="primary" onClick={() => void client.send('meeting:open', {})}>
                {t('agenda.open')}
              </button>
            )}
            {status === 'open' && (
              <button
                type="button"
                className="primary"
                onClick={() => void client.send('meeting:start', {})}
                data-testid="start-meeting"
              >
                {t('agenda.start')}
              </button>
            )}
            {status === 'in_session' && (
              <>
                <button
                  type="button"
                  disabled={agendaIndex >= agenda.length - 1}
                  onClick={() => void client.send('agenda:advance', {})}
                >
                  {t('agenda.next')}
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    if (window.confirm(t('agenda.confirmEnd'))) {
                      void client.send('meeting:end', {});
                    }
                  }}
                >
                  {t('agenda.end')}
                </button>
              </>
            )}
          </div>
        )}
      </div>
      <ol className="agenda">
        {agenda.map((item, index) => {
          const current = status === 'in_session' && index === agendaIndex;

          return (
            <li
              key={item.id}
              className={current ? 'current' : index < agendaIndex ? 'done' : ''}
              aria-current={current ? 'step' : undefined}
            >
              <span className="agenda-kind">{t(`agendaKind.${item.kind}`)}</span>
              {canModerate && status === 'in_session' && !current ? (
                <button
                  type="button"
                  className="link agenda-title"
                  title={t('agenda.goTo')}
                  onClick={() => void client.send('agenda:advance', { index })}
                >
                  {item.title}
                </button>
              ) : (
                <span className="agenda-title">{item.title}</span>
              )}
              {item.by !== null && (
                <span className="muted">
                  {' · '}
                  {item.by === 'chair'
                    ? t('agenda.byChair', { name: state.meeting.chairs[0]?.name ?? '' })
                    : t('agenda.by', { by: item.by })}
                </span>
              )}
              {current && <span className="badge">{t('agenda.current')}</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

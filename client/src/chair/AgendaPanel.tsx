import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../components/ConfirmButton.js';
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
                <ConfirmButton
                  disabled={agendaIndex >= agenda.length - 1}
                  question={t('agenda.confirmNext', { title: agenda[agendaIndex + 1]?.title ?? '' })}
                  confirmLabel={t('agenda.confirmMove')}
                  onConfirm={() => void client.send('agenda:advance', {})}
                  testId="agenda-next"
                >
                  {t('agenda.next')}
                </ConfirmButton>
                <ConfirmButton
                  className="danger"
                  danger
                  question={t('agenda.confirmEnd')}
                  confirmLabel={t('agenda.confirmEndYes')}
                  onConfirm={() => void client.send('meeting:end', {})}
                  testId="end-meeting"
                >
                  {t('agenda.end')}
                </ConfirmButton>
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
                <ConfirmButton
                  className="link agenda-title"
                  title={t('agenda.goTo')}
                  question={t('agenda.confirmGoTo', { title: item.title })}
                  confirmLabel={t('agenda.confirmMove')}
                  onConfirm={() => void client.send('agenda:advance', { index })}
                >
                  {item.title}
                </ConfirmButton>
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

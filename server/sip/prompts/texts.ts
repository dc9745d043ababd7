import type { Spoken } from '../../domain/sip/dtmf.js';

/** The prompts a room without a console hears before it is recognised (its PIN) and after it enters. */
export type LobbyPrompt = 'enterPin' | 'wrongPin' | 'pinRefused' | 'welcome';
export type PromptName = Spoken | LobbyPrompt;

/**
 * What each prompt says. The WAV files beside this one (16 kHz mono) were synthesised from these words by
 * `npm run prompts` (espeak-ng's Northern Vietnamese voice, a Debian package needed only to make them again); a
 * province may replace any file with a recording of its own voice under the same name.
 */
export const PROMPT_TEXTS: Record<PromptName, string> = {
  enterPin: 'Xin mời nhập mã PIN của điểm cầu, rồi bấm phím thăng.',
  wrongPin: 'Mã PIN không đúng. Xin mời nhập lại.',
  pinRefused: 'Mã PIN không đúng. Cuộc gọi kết thúc.',
  welcome: 'Điểm cầu đã vào hội nghị.',
  confirmed: 'Đã điểm danh.',
  requested: 'Đã đăng ký phát biểu.',
  withdrawn: 'Đã rút đăng ký phát biểu.',
  nothing: 'Chưa thực hiện được.',
};

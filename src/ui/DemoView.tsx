import { Box, Text } from 'ink';
import type { DemoViewState } from './demo-view.js';

export interface DemoViewProps {
  /** e.g. `one Arena round on chain 31337 (127.0.0.1:8545)`. */
  header: string;
  state: DemoViewState;
  /** Spinner frame (the caller ticks it). */
  frame?: number;
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The demo live: its steps with a mark each, then every actor's latest activity. */
export function DemoView({ header, state, frame = 0 }: DemoViewProps) {
  const width = Math.max(0, ...state.actors.map((a) => a.name.length));
  const roleWidth = Math.max(0, ...state.actors.map((a) => a.role.length));
  return (
    <Box flexDirection="column">
      <Text bold>flock demo — {header}</Text>
      {state.steps.map((s) => (
        <Text key={s.id}>
          {s.status === 'done' ? <Text color="green">✔</Text> : s.status === 'failed' ? <Text color="red">✘</Text> : <Text color="cyan">{SPIN[frame % SPIN.length]}</Text>}{' '}
          {s.title}
          {s.detail ? <Text dimColor>{`: ${s.detail}`}</Text> : null}
          {s.ms !== undefined ? <Text dimColor>{` (${(s.ms / 1000).toFixed(1)} s)`}</Text> : null}
        </Text>
      ))}
      {state.actors.length > 0 && state.steps.some((s) => s.status === 'running') ? (
        <Box flexDirection="column" marginTop={1}>
          {state.actors.map((a) => (
            <Text key={a.name}>
              {'  '}
              <Text bold>{a.name.padEnd(width)}</Text> <Text dimColor>{a.role.padEnd(roleWidth)}</Text> {a.warn ? <Text color="yellow">{a.text}</Text> : a.text}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

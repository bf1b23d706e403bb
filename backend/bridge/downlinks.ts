/**
 * The downlink kinds the bridge forwards from Kafka to cars (downlink.ts is the one mechanism):
 * command requests from the command service (MQTT 5 request/response: the car's result topic and
 * the commandId as correlation data) and hazard warnings from the traffic service.
 */
import { commandRequestTopic, commandResultTopic, warningsTopic, type CommandRequest, type CarWarning } from '../../protocol/index.js';
import { protocolDownlink, type DownlinkKind } from './downlink.js';

export const commandsDownlink: DownlinkKind<CommandRequest> = protocolDownlink('commandRequest', {
  name: 'commands',
  topic: 'commands',
  mqttTopic: (cmd) => commandRequestTopic(cmd.vin),
  extras: (cmd) => ({ responseTopic: commandResultTopic(cmd.vin), correlationData: Buffer.from(cmd.commandId) }),
});

export const warningsDownlink: DownlinkKind<CarWarning> = protocolDownlink('warning', {
  name: 'warnings',
  topic: 'warnings',
  mqttTopic: (w) => warningsTopic(w.vin),
});

import { CHECKPOINT_NAMESPACE } from '../../audit/checkpoint';
import { sshPrincipal } from '../../crypto/sshPrincipal';
import { PACKET_NAMESPACE, PAYLOAD, TAG_FILES } from '../packetFormat';
import type { Flow } from './flow';
import type { OutlineNode } from './outline';
import type { ReportContext } from './reportContext';
import { kv } from './tableSpec';
import { grouped, utc } from './words';

// "Checkpoint and verification": the audit-log checkpoint the packet proves against, the packet
// signer's key, and how to check the packet with stock tools (ssh-keygen, sha256sum) or with
// `custodian packet verify`. The commands printed are to be run in the packet's top folder; the
// identities they pass (-I) are allowed_signers principals (sshPrincipal), not raw user names.

export function checkpointSection(context: ReportContext, flow: Flow): OutlineNode {
  const { checkpoint, signer } = context.model;
  const node = flow.section1('Checkpoint and verification');
  flow.table(
    {
      caption: 'Audit-log checkpoint',
      columns: [
        { header: '', share: 0.24 },
        { header: '', share: 0.76 },
      ],
      header: false,
    },
    [
      kv('Log size', `${grouped(checkpoint.size)} entries`),
      kv('Merkle root (base64)', checkpoint.root),
      kv('Signed by', checkpoint.signer),
      kv('At', utc(checkpoint.at)),
    ],
  );
  flow.table(
    {
      caption: 'Packet signer',
      columns: [
        { header: '', share: 0.24 },
        { header: '', share: 0.76 },
      ],
      header: false,
    },
    [
      kv('Printed name', signer.printedName),
      kv('User name', signer.userName),
      kv('Key fingerprint', signer.fingerprint),
      kv('Public key', signer.publicKeyLine),
    ],
  );
  flow.caption('How to verify this packet', 60);
  flow.paragraph(
    `1. Check that the key fingerprint above is the one you were given out of band (ssh-keygen -l -f ${TAG_FILES.signerPub} prints it). ` +
      'Trust comes from that fingerprint, not from the copies of the key in the packet.',
  );
  flow.paragraph(
    `2. In the packet\u2019s top folder, check the signature over the tag manifest (namespace ${PACKET_NAMESPACE}). The identity is the signer\u2019s ` +
      `principal, Custodian-Signer-Principal in ${TAG_FILES.bagInfo}: the user name with spaces, commas and the like replaced by _.`,
  );
  flow.command(
    `ssh-keygen -Y verify -f ${TAG_FILES.allowedSigners} -I ${sshPrincipal(signer.userName)} -n ${PACKET_NAMESPACE} -s ${TAG_FILES.signature} < ${TAG_FILES.tagmanifest}`,
  );
  flow.paragraph('3. Then check every file against the manifests (SHA-256):');
  flow.command(`sha256sum -c ${TAG_FILES.tagmanifest} && sha256sum -c ${TAG_FILES.manifest256}`);
  flow.paragraph(
    `4. Check that the audit-log checkpoint above (${PAYLOAD.checkpoint}) is signed by the log signer, ${checkpoint.signer}, with a key in ${PAYLOAD.logAllowedSigners}:`,
  );
  flow.command(
    `ssh-keygen -Y verify -f ${PAYLOAD.logAllowedSigners} -I ${sshPrincipal(checkpoint.signer)} -n ${CHECKPOINT_NAMESPACE} -s ${PAYLOAD.checkpointSig} < ${PAYLOAD.checkpoint}`,
  );
  flow.paragraph(
    `5. custodian packet verify <packet> does all of this and also checks the audit-log proofs in ${PAYLOAD.proofs} against the ` +
      'checkpoint above: that every chain-of-custody entry is in the log, and that the log at any earlier packet\u2019s checkpoint is a prefix of this one.',
  );
  return node;
}

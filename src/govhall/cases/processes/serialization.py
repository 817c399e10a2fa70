"""SpiffWorkflow's workflow serializer, one per thread, restoring each process spec once.

A serialized workflow carries its whole process spec, and restoring the spec is about half
the cost of restoring a workflow. A case restores its workflow on every step, so each thread
keeps the specs it restored last, keyed by their exact JSON: the same JSON always gives an
equal spec, and a spec is only read while a workflow runs. Specs are never shared between
threads (``serialize_json`` also flips a flag on its registry, so serializers are not shared
either).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.process_spec import BpmnProcessSpecConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

#: Specs kept per thread: more than the processes a node runs in one busy minute.
CACHED_SPECS = 32
_local = threading.local()


class _CachingSpecConverter(BpmnProcessSpecConverter):  # type: ignore[misc]
    def from_dict(self, dct: dict[str, Any]) -> Any:
        key = json.dumps(dct)  # before the parent's from_dict pops from ``dct``
        cache: OrderedDict[str, Any] = _local.specs
        spec = cache.get(key)
        if spec is None:
            spec = super().from_dict(dct)
            cache[key] = spec
            if len(cache) > CACHED_SPECS:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return spec


CONFIG = {**SPIFF_CONFIG, BpmnProcessSpec: _CachingSpecConverter}


def serializer() -> Any:
    """This thread's ``BpmnWorkflowSerializer`` (SpiffWorkflow's spiff configuration)."""
    current = getattr(_local, "serializer", None)
    if current is None:
        _local.specs = OrderedDict()
        current = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CONFIG))
        _local.serializer = current
    return current

from .graph import (
    EventData,
    ValuedEventData,
    TimeGriddedData,
    NIRNodeData,
    NIRGraphData,
)

__all__ = [
    "TimeGriddedData",
    "EventData",
    "ValuedEventData",
    "NIRNodeData",
    "NIRGraphData",
]
